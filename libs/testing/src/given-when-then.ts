import { DomainError, type Decider, type DomainErrorKind, type DomainEvent } from '@hc/domain';

/**
 * Given/when/then for a decider: fold the given events with `evolve` from `initialState`, run
 * `decide` on the command, then assert the events produced or the rule broken.
 *
 *   const given = givenWhenThen(policeCaseDecider);
 *   given(crimeRecorded).when(identifySuspect).then([suspectIdentified]);
 *   given().when(referCase).thenFails('case_not_found', 'not_found');
 */
export function givenWhenThen<TCommand, TEvent extends DomainEvent, TState>(decider: Decider<TCommand, TEvent, TState>) {
  return (...given: readonly TEvent[]) => ({
    when: (command: TCommand) => {
      const decide = () => decider.decide(command, stateAfter(decider, given));
      return {
        then(expected: readonly TEvent[]): void {
          expect(decide()).toStrictEqual(expected);
        },
        thenFails(code: string, kind?: DomainErrorKind): DomainError {
          let produced: readonly TEvent[];
          try {
            produced = decide();
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect((error as DomainError).code).toBe(code);
            if (kind) expect((error as DomainError).kind).toBe(kind);
            return error as DomainError;
          }
          throw new Error(`expected the rule ${code} to be broken, but decide produced ${JSON.stringify(produced)}`);
        },
      };
    },
  });
}

/** The state of a decider after the given events. */
export function stateAfter<TCommand, TEvent extends DomainEvent, TState>(
  decider: Decider<TCommand, TEvent, TState>,
  events: readonly TEvent[],
): TState {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
