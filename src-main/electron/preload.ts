// The preload: runs sandboxed with context isolation and exposes exactly three named functions
// on `window.chute` (the PreloadBridge). ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PreloadBridge } from '../../src-shared/wire';
import { IPC_COMMAND, IPC_EVENT, IPC_QUERY, type IpcAnswer } from './channels';

async function call(channel: string, body: unknown): Promise<unknown> {
  const answer = (await ipcRenderer.invoke(channel, body)) as IpcAnswer;
  if (answer.ok) return answer.result;
  throw new Error(answer.error);
}

const bridge: PreloadBridge = {
  command: (body) => call(IPC_COMMAND, body),
  query: (body) => call(IPC_QUERY, body),
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

contextBridge.exposeInMainWorld('chute', bridge);
