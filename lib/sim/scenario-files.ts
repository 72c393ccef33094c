/** The scenarios shipped under scenarios/, by name. */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Scenario, scenarioFromText } from './scenario';

const DIRECTORY = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export function builtInScenarioNames(): string[] {
  return readdirSync(DIRECTORY)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => file.slice(0, -'.yaml'.length))
    .sort();
}

/** A shipped scenario, or null when there is none of that name. */
export function builtInScenario(name: string): Scenario | null {
  if (!builtInScenarioNames().includes(name)) return null;
  const path = `scenarios/${name}.yaml`;
  return scenarioFromText(readFileSync(`${DIRECTORY}${name}.yaml`, 'utf8'), path);
}
