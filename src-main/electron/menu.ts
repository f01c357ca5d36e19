// The application menu as plain data (main.ts hands it to Menu.buildFromTemplate). No Undo/Redo
// roles: Ctrl+Z belongs to the timing screen, where it undoes the last journal entry.

export interface MenuItemSpec {
  label?: string;
  role?:
    | 'quit'
    | 'cut'
    | 'copy'
    | 'paste'
    | 'selectAll'
    | 'zoomIn'
    | 'zoomOut'
    | 'resetZoom'
    | 'togglefullscreen'
    | 'toggleDevTools'
    | 'reload'
    | 'about'
    | 'minimize'
    | 'close';
  accelerator?: string;
  type?: 'separator';
  submenu?: MenuItemSpec[];
  /** Named action main.ts wires to a handler (e.g. open the data folder). */
  action?: 'open-data-folder';
}

export function applicationMenu(options: { platform: string; devTools: boolean }): MenuItemSpec[] {
  const mac = options.platform === 'darwin';
  const menu: MenuItemSpec[] = [];
  if (mac) menu.push({ label: 'Chute', submenu: [{ role: 'about' }, { role: 'quit' }] });
  menu.push({
    label: 'File',
    submenu: [
      { label: 'Open Data Folder', action: 'open-data-folder' },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  });
  menu.push({
    label: 'Edit',
    submenu: [
      { role: 'cut', accelerator: 'CmdOrCtrl+X' },
      { role: 'copy', accelerator: 'CmdOrCtrl+C' },
      { role: 'paste', accelerator: 'CmdOrCtrl+V' },
      { role: 'selectAll', accelerator: 'CmdOrCtrl+A' },
    ],
  });
  const view: MenuItemSpec[] = [
    { role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
    { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
    { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
    { type: 'separator' },
    { role: 'togglefullscreen', accelerator: 'F11' },
  ];
  if (options.devTools) view.push({ role: 'reload' }, { role: 'toggleDevTools' });
  menu.push({ label: 'View', submenu: view });
  menu.push({ label: 'Window', submenu: [{ role: 'minimize' }] });
  return menu;
}
