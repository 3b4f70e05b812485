import { Alert, Text } from '@grafana/ui';
import { useEffect, useState } from 'react';

import type { Whoami } from '../types.js';

interface Props {
  whoami: () => Promise<Whoami>;
}

type State = { kind: 'loading' } | { kind: 'known'; answer: Whoami } | { kind: 'failed'; message: string };

/** One line telling the editor whose scope their query results come from. */
export function ScopeLine({ whoami }: Props) {
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    whoami().then(
      (answer) => live && setState({ kind: 'known', answer }),
      (error: unknown) => live && setState({ kind: 'failed', message: messageOf(error) }),
    );
    return () => {
      live = false;
    };
  }, [whoami]);

  if (state.kind === 'loading') {
    return <Text color="secondary">Checking your scope…</Text>;
  }
  if (state.kind === 'failed') {
    return <Alert severity="warning" title={`Your scope is unknown: ${state.message}`} />;
  }
  if (!state.answer.mapped) {
    const ask = state.answer.message ?? 'Ask an Orgscope admin to map you to your org units.';
    return <Alert severity="warning" title={`You see no rows: you are not mapped to any org unit. ${ask}`} />;
  }
  return <Text color="secondary">You see: {state.answer.scope.summary}</Text>;
}

function messageOf(error: unknown): string {
  const body = (error as { data?: { message?: string } } | undefined)?.data;
  if (body && typeof body === 'object' && body.message) {
    return body.message;
  }
  return error instanceof Error ? error.message : 'the distributor did not answer';
}
