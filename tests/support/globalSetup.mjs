// Jest loads global setup outside its module system; tsx lets it run the TypeScript setup as ES modules.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { startDatabase } = await tsImport('./startDatabase.ts', import.meta.url);
  await startDatabase();
}
