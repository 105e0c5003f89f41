/**
 * A decider is the whole behaviour of an aggregate as three pure functions (after Jérémie Chassaing
 * and emmett): decide what happens from a command and the current state, evolve the state by one
 * event, and the state before any event.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

export interface Decider<TCommand, TEvent extends DomainEvent, TState> {
  readonly initialState: () => TState;
  readonly evolve: (state: TState, event: TEvent) => TState;
  readonly decide: (command: TCommand, state: TState) => readonly TEvent[];
}

/** Ends a switch over a discriminated union: the compiler fails here when a case is missing. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}

export type DomainErrorKind = 'not_found' | 'conflict' | 'rule_broken';

/**
 * A broken domain rule. `code` names the rule for the agency developer who sent the command;
 * `kind` decides the HTTP status (404, 409 or 422).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule_broken',
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
