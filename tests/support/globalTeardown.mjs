import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { stopDatabase } = await tsImport('./stopDatabase.ts', import.meta.url);
  await stopDatabase();
}
