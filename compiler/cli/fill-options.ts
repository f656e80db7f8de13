// The fill step of a CLI run: --params, -p, --config, --config-file → a FillStep.
import type { Result } from '../../kernel/diagnostics.ts';
import { fill, fillOptionsFromCli, type CliFillArgs } from '../fill/index.ts';
import type { FillStep } from '../translate.ts';

export function fillStepFromCli(args: CliFillArgs): Result<FillStep> {
  const o = fillOptionsFromCli(args);
  if (!o.value) return { diagnostics: o.diagnostics };
  const options = { ...o.value, configFileName: args.configFile };
  return { value: (doc, file) => fill(doc, options, file), diagnostics: o.diagnostics };
}
