// dlg-deploy hands a logical graph (a JSON object rather than a drop list) to this function.
// The compiler (compiler/index.ts) will provide the translation; until it is wired here,
// an LG input is refused with a clear message.

export interface TranslateOptions {
  /** Parameter files and name=value pairs given with --params. */
  params?: string[];
  /** The manager the graph goes to, whose nodes the translation maps onto; none = embedded. */
  url?: string;
}

export class TranslateUnavailable extends Error {}

/** Translate an LG into a PG ready to deploy. */
export async function translateForDeploy(_lg: Record<string, unknown>, _opts: TranslateOptions): Promise<unknown[]> {
  throw new TranslateUnavailable('LG input needs the translator: translate it first (dlg-translate) and deploy the PG');
}
