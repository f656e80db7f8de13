// The page configuration as the browser sees it (views/pages.ts PageConfig).
import type { GraphModel } from '../model.ts';

export interface PageConfigLike {
  view: 'viewer' | 'gantt' | 'session';
  pgtId?: string;
  partInfo?: string;
  sessionId?: string;
  tab?: 'gantt' | 'matrix';
  model?: GraphModel;
  token?: string;
}
