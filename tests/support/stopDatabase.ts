export async function stopDatabase(): Promise<void> {
  await globalThis.orgscopeEmbedded?.stop();
}
