// A list as a table with one action button per row (restore a backup, revoke a device), or a
// sentence when the list is empty.
import type { ReactNode } from 'react';

export function ListTable(props: {
  count: number;
  empty: ReactNode;
  columns: string[];
  /** The action column's name for screen readers (its header is blank). */
  action: string;
  children: ReactNode;
}) {
  if (props.count === 0) return <p data-testid="empty-list">{props.empty}</p>;
  return (
    <table>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
          <th aria-label={props.action} />
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
