// The flows module: flow scripts admins write in data/flows/*.yaml, loaded, checked and run for each
// conversation. The runtime uses only what is exported here.
export { FlowError } from './errors.ts';
export { FlowLibrary, type FlowLibraryOptions } from './library.ts';
export { askAgain, correctAnswer, correctAnswerByEdit, correctByEdit, MAX_STEPS_PER_TURN, offersChoice, questionOf, readQuestion, resumeFlow, sayUnsaid, startFlow, takesAnswer, typedChoice } from './interpreter.ts';
export type { AnswerChange, AnswerKept } from './interpreter.ts';
export type { StepKindName, StepSpec } from './steps/index.ts';
export type { StepContext, StepOutcome, StepRunner } from './steps/step.ts';
export type { AssignStep } from './steps/assign.ts';
export type { ClassifyStep } from './steps/classify.ts';
export type { Jump } from './steps/jump.ts';
export { jumpOutcome } from './steps/jump.ts';
export type { Template } from './template.ts';
export type { AssignRequest, Classification, CompiledFlow, CompiledStep, FlowInput, FlowLog, FlowRun, FlowTrigger } from './types.ts';
