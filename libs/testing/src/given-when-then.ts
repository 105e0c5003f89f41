import { DomainError, type Decider, type DomainErrorKind, type DomainEvent, type Warning } from '@hc/domain';

/**
 * Given/when/then for a decider: fold the given events with `evolve` from `initialState`, run
 * `decide` on the command, then assert the events produced (and the warnings that came with them)
 * or the rule broken.
 *
 *   const given = givenWhenThen(policeCaseDecider);
 *   given(crimeRecorded).when(identifySuspect).then([suspectIdentified]);
 *   given(convicted).when(sentenceWithoutUplift).thenWarns([sentenced], ['no_uplift_decision']);
 *   given().when(referCase).thenFails('case_not_found', 'not_found');
 */
export function givenWhenThen<TCommand, TEvent extends DomainEvent, TState>(decider: Decider<TCommand, TEvent, TState>) {
  return (...given: readonly TEvent[]) => ({
    when: (command: TCommand) => {
      const decide = () => decider.decide(command, stateAfter(decider, given));
      return {
        /** These events, and no warning. */
        then(expected: readonly TEvent[]): void {
          const decision = decide();
          expect(decision.events).toStrictEqual(expected);
          expect(decision.warnings.map((warning) => warning.code)).toEqual([]);
        },
        /** These events, accepted with warnings of these codes (in order); returns the warnings. */
        thenWarns(expected: readonly TEvent[], codes: readonly string[]): readonly Warning[] {
          const decision = decide();
          expect(decision.events).toStrictEqual(expected);
          expect(decision.warnings.map((warning) => warning.code)).toEqual(codes);
          for (const warning of decision.warnings) {
            expect(warning.message.length).toBeGreaterThan(0);
            expect(warning.remedy.length).toBeGreaterThan(0);
          }
          return decision.warnings;
        },
        thenFails(code: string, kind?: DomainErrorKind): DomainError {
          let produced: readonly TEvent[];
          try {
            produced = decide().events;
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
  decider: Pick<Decider<TCommand, TEvent, TState>, 'initialState' | 'evolve'>,
  events: readonly TEvent[],
): TState {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}
