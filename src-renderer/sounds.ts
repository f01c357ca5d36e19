// Entry sounds made with WebAudio (no binary assets): a short high beep for a saved entry, a
// double mid beep for a warning, a low buzz for an error. Distinct in pitch AND rhythm so they
// can be told apart in a noisy finish area.
import type { Tone } from './lib/sync-status';

interface Note {
  freq: number;
  start: number;
  length: number;
  wave: OscillatorType;
}

export const SOUND_NOTES: Record<Tone, Note[]> = {
  ok: [{ freq: 1320, start: 0, length: 0.08, wave: 'sine' }],
  warn: [
    { freq: 880, start: 0, length: 0.1, wave: 'square' },
    { freq: 880, start: 0.16, length: 0.1, wave: 'square' },
  ],
  error: [{ freq: 180, start: 0, length: 0.45, wave: 'sawtooth' }],
};

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctor) return null;
  try {
    context = new Ctor();
  } catch {
    return null;
  }
  return context;
}

/** Plays a tone; silently does nothing where audio is unavailable (sound is never the only cue). */
export function playSound(tone: Tone): void {
  const ctx = audio();
  if (!ctx) return;
  if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
  const t0 = ctx.currentTime + 0.01;
  for (const note of SOUND_NOTES[tone]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = note.wave;
    osc.frequency.value = note.freq;
    gain.gain.setValueAtTime(0.0001, t0 + note.start);
    gain.gain.exponentialRampToValueAtTime(0.4, t0 + note.start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + note.start + note.length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + note.start);
    osc.stop(t0 + note.start + note.length + 0.02);
  }
}
