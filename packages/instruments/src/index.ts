export * from './definition-schema';
export * from './errors';
export { readJsonFile, parseWith } from './json-file';
export { DEFINITIONS_DIR, builtinDefinitions, loadDefinitionFile } from './builtin';
export { formView, scaleRange, type FormView, type FormItem, type FormScale } from './form-view';
export { parseItemValue, itemValueError, describeIds, type ItemValueResult } from './item-value';
export {
  scoreResponse,
  scoreView,
  ScaleScore,
  type ScoredResponse,
  type ItemError,
  type RawValues,
} from './score';
export { reliableChange, reliableChangeFor, type ReliableChange } from './reliable-change';
export { evaluateAlerts, type Alert, type AlertOptions } from './alerts';
export { unconfirmedFacts, type UnconfirmedFact } from './unconfirmed';
export { Wording, wordingProblems, checkWording, itemLabel, itemLabelText, type ItemLabel } from './wording';
export {
  InstrumentRegistry,
  loadRegistry,
  STUDY_INSTRUMENTS_DIR,
  STUDY_WORDING_DIR,
  type RegistryEntry,
} from './registry';
export { installStudyInstrument, installWording } from './install';
export * from './codebook';
