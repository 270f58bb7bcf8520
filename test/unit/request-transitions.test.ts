import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  isTerminal,
  REQUEST_STATES,
  type RequestState,
  TERMINAL_STATES,
} from '#shared/domain/request-state.ts';
import {
  TRANSITION_ACTORS,
  TRANSITIONS,
  type TransitionActor,
  type TransitionRow,
} from '#shared/domain/request-transitions.ts';
import { IllegalTransitionError } from '#shared/errors.ts';
import * as approvalTransitions from '#shared/transitions/approval-transitions.ts';
import * as createTransitions from '#shared/transitions/create-transitions.ts';
import { recordReceived } from '#shared/transitions/ingest-transitions.ts';
import type { OwnedTransition } from '#shared/transitions/issued-by.ts';
import * as pollTransitions from '#shared/transitions/poll-transitions.ts';
import * as removeTransitions from '#shared/transitions/remove-transitions.ts';
import * as validateTransitions from '#shared/transitions/validate-transitions.ts';
import { FIXTURE_TIME, requestRecord } from '#test/fixtures/request-records.ts';
import { InMemoryStore } from '#test/support/in-memory-store.ts';
import { README, readmeBlock, renderStateDiagram } from '../../scripts/state-diagram.ts';

const MODULES: readonly (readonly [TransitionActor, Record<string, unknown>])[] = [
  ['validate', validateTransitions],
  ['approval', approvalTransitions],
  ['create', createTransitions],
  ['poll', pollTransitions],
  ['remove', removeTransitions],
];

const owned = (module: Record<string, unknown>): [string, OwnedTransition][] =>
  Object.entries(module).filter(
    (entry): entry is [string, OwnedTransition] => typeof entry[1] === 'function' && 'row' in entry[1],
  );

const label = (row: TransitionRow) => `${row.from ?? '(new)'} → ${row.to} by ${row.actor}`;
const issued = (row: TransitionRow): row is TransitionRow & { from: RequestState } =>
  row.from !== null && row.reserved === undefined;

/** A record stored in `state`, version 1. */
const storedIn = async (state: RequestState) => {
  const store = new InMemoryStore();
  const record = requestRecord({ state });
  await store.putNew(record);
  return { store, record };
};

describe('the transition table', () => {
  it('matches the README: its state diagram and table are generated from the rows', async () => {
    const readme = await readFile(README, 'utf8');

    expect(
      readmeBlock(readme),
      'README.md differs from the transition table: run `npx tsx scripts/state-diagram.ts --write`',
    ).toBe(renderStateDiagram());
  });

  it.each(TRANSITIONS.map((row) => [label(row), row] as const))(
    '%s names known states and a known actor',
    (_, row) => {
      expect(REQUEST_STATES).toContain(row.to);
      expect(TRANSITION_ACTORS).toContain(row.actor);
      if (row.from === null) expect(row.actor).toBe('ingest');
      else expect(REQUEST_STATES).toContain(row.from);
      expect(row.trigger.trim()).not.toBe('');
    },
  );

  it('starts every request RECEIVED, by ingest only', () => {
    expect(TRANSITIONS.filter((row) => row.from === null)).toEqual([
      expect.objectContaining({ to: 'RECEIVED', actor: 'ingest' }),
    ]);
  });

  it('lists each (from, to, actor) once', () => {
    const keys = TRANSITIONS.map(label);

    expect(keys.length).toBe(new Set(keys).size);
  });

  it('gives terminal states no way out, and every state without a way out is terminal', () => {
    for (const state of REQUEST_STATES) {
      const leaving = TRANSITIONS.filter((row) => row.from === state);
      expect({ state, terminal: isTerminal(state) }).toEqual({ state, terminal: leaving.length === 0 });
    }
    expect([...TERMINAL_STATES].every((state) => REQUEST_STATES.includes(state))).toBe(true);
  });

  it('allows exactly the changes that have a row (canTransition is derived from the table)', () => {
    for (const from of REQUEST_STATES) {
      for (const to of REQUEST_STATES) {
        const hasRow = TRANSITIONS.some((row) => row.from === from && row.to === to);
        expect({ from, to, allowed: canTransition(from, to) }).toEqual({ from, to, allowed: hasRow });
      }
    }
  });

  it('waits for approval after the checks and before the create, ending VALIDATED, REJECTED or EXPIRED', () => {
    const spend = TRANSITIONS.filter(
      (row) => row.to === 'AWAITING_APPROVAL' || row.from === 'AWAITING_APPROVAL',
    ).map(label);

    expect(spend).toEqual([
      'RECEIVED → AWAITING_APPROVAL by validate',
      'AWAITING_APPROVAL → VALIDATED by approval',
      'AWAITING_APPROVAL → REJECTED by approval',
      'AWAITING_APPROVAL → EXPIRED by poll',
    ]);
    expect(isTerminal('EXPIRED')).toBe(true);
  });

  it("issues the fleet issue's removal states, each able to end DESTROYED, REMOVED or REMOVAL_FAILED", () => {
    const removal = ['DRAINING', 'ISOLATING', 'ISOLATED'] as const;

    for (const state of removal) {
      const leaving = TRANSITIONS.filter((row) => row.from === state);
      expect(leaving.length).toBeGreaterThan(0);
      expect(leaving.every((row) => row.reserved === undefined)).toBe(true);
      expect(leaving.map((row) => row.to)).toContain('REMOVAL_FAILED');
    }
    expect(
      ['DESTROYED', 'REMOVED', 'REMOVAL_FAILED'].every((state) => isTerminal(state as RequestState)),
    ).toBe(true);
  });
});

describe('one module per actor', () => {
  it.each(MODULES)('the %s module issues only its own rows', (actor, module) => {
    const transitions = owned(module);

    expect(transitions.length).toBeGreaterThan(0);
    for (const [name, transition] of transitions) {
      expect({ name, actor: transition.row.actor }).toEqual({ name, actor });
    }
  });

  it('issues every row some code writes from exactly one named function, and no reserved row', () => {
    const byRow = new Map<string, string[]>();
    for (const [actor, module] of MODULES) {
      for (const [name, transition] of owned(module)) {
        const key = label(transition.row);
        byRow.set(key, [...(byRow.get(key) ?? []), `${actor}-transitions.ts ${name}`]);
      }
    }

    const expected = TRANSITIONS.filter(issued).map(label).sort();
    expect([...byRow.keys()].sort()).toEqual(expected);
    for (const [key, names] of byRow) expect({ key, names: names.length }).toEqual({ key, names: 1 });
  });

  it.each(MODULES.flatMap(([, module]) => owned(module)))(
    '%s moves a stored record along its row, with its actor',
    async (_, transition) => {
      const { store, record } = await storedIn(transition.row.from as RequestState);

      const moved = await transition(store, {
        requestId: record.requestId,
        expectedVersion: 1,
        at: FIXTURE_TIME,
      });

      expect({ state: moved.state, version: moved.version }).toEqual({
        state: transition.row.to,
        version: 2,
      });
    },
  );

  it('records a new request RECEIVED, and refuses to start one in any other state', async () => {
    const store = new InMemoryStore();
    const received = requestRecord();
    const validated = requestRecord({ state: 'VALIDATED' });

    await expect(recordReceived(store, received)).resolves.toMatchObject({ created: true });
    await expect(recordReceived(store, validated)).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(store.records.has(validated.requestId)).toBe(false);
  });

  it("lets the poller's cycle make only its own changes: another actor's pair is refused before writing", async () => {
    const { store, record } = await storedIn('VALIDATED');

    const taking = pollTransitions.pollTransition(store, 'VALIDATED', 'CREATING', {
      requestId: record.requestId,
      expectedVersion: 1,
      at: FIXTURE_TIME,
    });

    await expect(taking).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', actor: 'poll' });
    expect(store.records.get(record.requestId)).toMatchObject({ state: 'VALIDATED', version: 1 });
  });
});

describe('the store enforces the actor', () => {
  const wrongActors = TRANSITIONS.filter((row) => row.from !== null).flatMap((row) =>
    TRANSITION_ACTORS.filter(
      (actor) =>
        !TRANSITIONS.some((other) => other.from === row.from && other.to === row.to && other.actor === actor),
    ).map(
      (actor) => [`${row.from} → ${row.to} by ${actor}`, row.from as RequestState, row.to, actor] as const,
    ),
  );

  it.each(wrongActors)(
    'refuses %s (a row for another actor only) and writes nothing',
    async (_, from, to, actor) => {
      const { store, record } = await storedIn(from);

      const attempt = store.transition({
        requestId: record.requestId,
        expectedVersion: 1,
        from,
        to,
        actor,
        at: FIXTURE_TIME,
      });

      await expect(attempt).rejects.toBeInstanceOf(IllegalTransitionError);
      await expect(attempt).rejects.toMatchObject({
        from,
        to,
        actor,
        message: `A request cannot move from ${from} to ${to} by ${actor}: no such row in request-transitions.ts`,
      });
      expect(store.records.get(record.requestId)).toMatchObject({ state: from, version: 1 });
    },
  );
});
