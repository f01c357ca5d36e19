import { useEffect, useRef } from 'react';
import { useChute, useChuteStore } from './context';
import { StatusBar } from './components/StatusBar';
import { SCREENS, SCREEN_LABELS, screenForKey, type Screen } from './lib/keys';
import { LOCKED_TITLE } from './lib/rights';
import { AnnouncerScreen } from './screens/AnnouncerScreen';
import { ChuteScreen } from './screens/ChuteScreen';
import { ReviewScreen } from './screens/ReviewScreen';
import { ResultsScreen } from './screens/ResultsScreen';
import { SetupScreen } from './screens/SetupScreen';
import { TimingScreen } from './screens/TimingScreen';

const BODY: Record<Screen, () => React.JSX.Element> = {
  setup: SetupScreen,
  timing: TimingScreen,
  review: ReviewScreen,
  results: ResultsScreen,
  chute: ChuteScreen,
  announcer: AnnouncerScreen,
};

/** A screen named in the address (`?screen=announcer`): what a second device opens on. */
function screenFromAddress(): Screen | null {
  const asked = new URLSearchParams(window.location.search).get('screen');
  return SCREENS.find((s) => s === asked) ?? null;
}

export function App() {
  const store = useChuteStore();
  const screen = useChute((s) => s.screen);
  const setScreen = useChute((s) => s.setScreen);
  const locked = useChute((s) => s.locked);
  const mode = useChute((s) => s.snapshot?.mode ?? null);
  const configured = useChute((s) => s.snapshot?.config != null);
  const loaded = useChute((s) => s.snapshot !== null);

  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    store.getState().openAddressScreen(screenFromAddress());
    return store.getState().start();
  }, [store]);

  // A station with nothing configured opens on Setup (the announcer's display just waits; a
  // paired device stays on its own screen).
  useEffect(() => {
    const { screen: shown, locked: own } = store.getState();
    if (loaded && !configured && shown !== 'announcer' && own === null) setScreen('setup');
  }, [loaded, configured, setScreen, store]);

  // Every screen opens at its top: the clock and bib field are never left scrolled away.
  useEffect(() => {
    main.current?.scrollTo({ top: 0 });
    window.scrollTo({ top: 0 });
  }, [screen]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = screenForKey(e);
      if (target === null || store.getState().dialogOpen) return;
      // A paired device's screen has no other screens to go to.
      if (store.getState().locked !== null) return;
      e.preventDefault();
      setScreen(target);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [store, setScreen]);

  const Body = BODY[screen];
  return (
    <div className={`app ${mode === 'practice' ? 'is-practice' : ''}`}>
      <header className="top-bar no-print">
        {locked !== null ? (
          <h1 className="device-title" data-testid="device-title">
            {LOCKED_TITLE[locked] ?? SCREEN_LABELS[locked]}
          </h1>
        ) : (
          <nav className="tabs" aria-label="screens">
            {SCREENS.map((s, i) => (
              <button
                key={s}
                type="button"
                className={s === screen ? 'tab tab-active' : 'tab'}
                aria-current={s === screen ? 'page' : undefined}
                onClick={() => setScreen(s)}
              >
                <kbd>F{i + 1}</kbd> {SCREEN_LABELS[s]}
              </button>
            ))}
          </nav>
        )}
        {mode === 'practice' && (
          <div className="practice-badge" data-testid="practice-badge">
            PRACTICE
          </div>
        )}
      </header>
      <main ref={main} className={`main-${screen}`}>
        <Body />
      </main>
      <StatusBar />
    </div>
  );
}
