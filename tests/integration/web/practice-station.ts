// A web station in practice mode on a scratch data folder, with a stand-in renderer page.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchWebStation, type LaunchedStation } from '../../../src-main/web/launch';

export async function launchPracticeStation(
  name: string,
  practiceSeed?: number,
): Promise<{ station: LaunchedStation; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `chute-${name}-`));
  const rendererDir = path.join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Chute</title>');
  const station = await launchWebStation({
    dataDir: path.join(dir, 'data'),
    port: 0,
    rendererDir,
    ...(practiceSeed === undefined ? {} : { practiceSeed }),
    syncIdlePollMs: 50,
  });
  return {
    station,
    async dispose() {
      await station.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
