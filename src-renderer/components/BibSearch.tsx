// A bib search box (Review, Results): Enter jumps to the bib's row; the answer says why not.
import { useState } from 'react';

export function BibSearch(props: {
  /** Jumps to the bib; returns a sentence when it cannot. */
  onFind: (bib: number) => string | null;
}) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <form
      className="bib-search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (!/^\d{1,6}$/.test(text)) {
          setProblem('Type a bib number');
          return;
        }
        setProblem(props.onFind(Number(text)));
      }}
    >
      <input
        aria-label="find bib"
        placeholder="Find bib"
        inputMode="numeric"
        value={text}
        onChange={(e) => {
          setText(e.target.value.replace(/\D+/g, '').slice(0, 6));
          setProblem(null);
        }}
      />
      <button type="submit">Find</button>
      {problem && (
        <span className="tone-warn bib-search-problem" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
