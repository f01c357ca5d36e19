import { useEffect } from 'react';
import { useChute, useChuteStore } from './context';
import { StatusBar } from './components/StatusBar';
import { SCREENS, SCREEN_LABELS, screenForKey, type Screen } from './lib/keys';
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
};

export function App() {
  const store = useChuteStore();
  const screen = useChute((s) => s.screen);
  const setScreen = useChute((s) => s.setScreen);
  const mode = useChute((s) => s.snapshot?.mode ?? null);
  const configured = useChute((s) => s.snapshot?.config != null);
  const loaded = useChute((s) => s.snapshot !== null);

  useEffect(() => store.getState().start(), [store]);

  // A station with nothing configured opens on Setup.
  useEffect(() => {
    if (loaded && !configured) setScreen('setup');
  }, [loaded, configured, setScreen]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = screenForKey(e);
      if (target === null || store.getState().dialogOpen) return;
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
        {mode === 'practice' && (
          <div className="practice-badge" data-testid="practice-badge">
            PRACTICE
          </div>
        )}
      </header>
      <main>
        <Body />
      </main>
      <StatusBar />
    </div>
  );
}
