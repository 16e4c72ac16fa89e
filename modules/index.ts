// The bundled modules: a static registry, in alphabetical order.
import type { ModuleDefinition } from '../engine/module-api.js';
import apt from './apt.js';
import file_line from './file_line.js';

export const bundledModules: readonly ModuleDefinition[] = [apt, file_line];
