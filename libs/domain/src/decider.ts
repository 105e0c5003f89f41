import type { Boundary, FindingType } from '@hc/contracts';

/**
 * A decider is the whole behaviour of an aggregate as three pure functions (after Jérémie Chassaing
 * and emmett): decide what happens from a command and the current state, evolve the state by one
 * event, and the state before any event.
 *
 * A decider refuses only what cannot have happened (a `DomainError`). What happened but should not
 * have (no uplift decision at sentence, a record without the flag) is recorded, and the decision
 * carries a `Warning` that names the audit finding it will raise and what would put it right.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

/** A fact accepted although it should not have happened, as the agency is told of it. */
export interface Warning {
  /** Names the rule, as an error code would. */
  readonly code: string;
  /** The flag audit finding this fact raises (docs/analytics.md); null when it raises none. */
  readonly finding: FindingType | null;
  readonly boundary: Boundary | null;
  /** What was recorded and why it matters. */
  readonly message: string;
  /** What the agency can do to put it right. */
  readonly remedy: string;
}

export interface Decision<TEvent extends DomainEvent> {
  readonly events: readonly TEvent[];
  readonly warnings: readonly Warning[];
}

export interface Decider<TCommand, TEvent extends DomainEvent, TState> {
  readonly initialState: () => TState;
  readonly evolve: (state: TState, event: TEvent) => TState;
  readonly decide: (command: TCommand, state: TState) => Decision<TEvent>;
}

/** A decision with these events and warnings. */
export function decided<TEvent extends DomainEvent>(events: readonly TEvent[], warnings: readonly Warning[] = []): Decision<TEvent> {
  return { events, warnings };
}

/**
 * Several commands decided in turn, each on the state the events before it left (a snapshot of a
 * case becomes the commands that bring the state up to it). One refusal refuses them all.
 */
export function decideInTurn<TCommand, TEvent extends DomainEvent, TState>(
  decider: Pick<Decider<TCommand, TEvent, TState>, 'evolve' | 'decide'>,
  commands: readonly TCommand[],
  state: TState,
): Decision<TEvent> {
  const events: TEvent[] = [];
  const warnings: Warning[] = [];
  let current = state;
  for (const command of commands) {
    const decision = decider.decide(command, current);
    events.push(...decision.events);
    warnings.push(...decision.warnings);
    current = decision.events.reduce(decider.evolve, current);
  }
  return { events, warnings };
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

/**
 * A decider over snapshots, from a decider over commands: a snapshot is decided as the commands it
 * stands for (with the warnings of what no command records), in turn, in one append.
 */
export function snapshotDecider<TSnapshot, TCommand, TEvent extends DomainEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  commandsOf: (snapshot: TSnapshot, state: TState) => { readonly commands: readonly TCommand[]; readonly warnings: readonly Warning[] },
): Decider<TSnapshot, TEvent, TState> {
  return {
    initialState: decider.initialState,
    evolve: decider.evolve,
    decide: (snapshot, state) => {
      const { commands, warnings } = commandsOf(snapshot, state);
      const decision = decideInTurn(decider, commands, state);
      return decided(decision.events, [...decision.warnings, ...warnings]);
    },
  };
}
