import type { SetupSection } from './setup-section.js';

const sections: SetupSection[] = [];

/** Adds a kind of service to account set-up descriptions; call in dependency order (./sections/index.ts). */
export function registerSetupSection<Item, Current>(section: SetupSection<Item, Current>): void {
  if (sections.some((s) => s.kind === section.kind)) throw new Error(`set-up section ${section.kind} registered twice`);
  sections.push(section as unknown as SetupSection);
}

/** The registered sections, in dependency order. */
export function setupSectionList(): readonly SetupSection[] {
  return sections;
}
