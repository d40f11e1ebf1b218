import type { ImpliedSave, ServiceEntity, ServiceModule } from './service-module.js';

/**
 * The service modules Orchestra knows, by model. Filled by src/services/index.ts (the one list of built-in services);
 * tests may register extra ones. Readers import src/services/index.js, which guarantees the built-ins are in.
 */
const modules = new Map<string, ServiceModule>();

export function registerServiceModule<E extends ServiceEntity>(module: ServiceModule<E>): void {
  if (modules.has(module.model)) throw new Error(`a service module for ${module.model} is already registered`);
  modules.set(module.model, module as unknown as ServiceModule);
}

/** For tests that register a module of their own and must leave the registry as they found it. */
export function unregisterServiceModule(model: string): void {
  modules.delete(model);
}

export function findServiceModule(model: string): ServiceModule | undefined {
  return modules.get(model);
}

export function serviceModule(model: string): ServiceModule {
  const module = modules.get(model);
  if (!module) throw new Error(`no service module for model ${model}`);
  return module;
}

export function serviceModules(): ServiceModule[] {
  return [...modules.values()];
}

/** The saves a change of `model` may imply, with the module whose objects they are. */
export function savesImpliedBy(model: string): { module: ServiceModule; save: ImpliedSave<ServiceEntity> }[] {
  return serviceModules().flatMap((module) => module.savedWhen.filter((save) => save.model === model).map((save) => ({ module, save })));
}

/** Whether changes of `model` can mean operations: a service model itself, or one whose changes imply saves. */
export function mattersToServers(model: string): boolean {
  return modules.has(model) || savesImpliedBy(model).length > 0;
}
