/**
 * A module (or what is built from it) loaded at its first use, not at every cold start: `load` is a
 * dynamic `import()`, which the Lambda bundle keeps in a chunk of its own (infra/bundling.ts). The
 * load is shared by every caller; a failed one is forgotten, so the next use tries again rather than
 * failing for the life of the container. Import the loaded module's types only, anywhere else: one
 * static import of a value would pull it back into every cold start (test/infra checks).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}
