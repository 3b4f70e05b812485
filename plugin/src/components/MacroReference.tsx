import { css } from '@emotion/css';
import { Collapse, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import { useState } from 'react';

import { MACROS } from './macros.js';

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({ width: '100%', fontSize: theme.typography.bodySmall.fontSize }),
  macro: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    paddingRight: theme.spacing(2),
    whiteSpace: 'nowrap',
  }),
});

/** The macros and tables a panel's SQL can use, folded away until asked for. */
export function MacroReference() {
  const [open, setOpen] = useState(false);
  const styles = useStyles2(getStyles);

  return (
    <Collapse label="Macros and tables" isOpen={open} onToggle={() => setOpen(!open)} collapsible>
      <table className={styles.table}>
        <tbody>
          {MACROS.map(({ macro, means }) => (
            <tr key={macro}>
              <td className={styles.macro}>{macro}</td>
              <td>{means}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Tables: survey_responses, mystery_audit, customer_order, org_units. Every viewer reads only the rows of their
        own org units; customer contact details are masked unless their role may see them.
      </p>
    </Collapse>
  );
}
