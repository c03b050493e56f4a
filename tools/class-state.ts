import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** A class and the instance fields it can reassign. */
export interface ClassState {
  file: string;
  name: string;
  mutable: string[];
}

/** Most fields a class in libs/ may reassign: more means it does several jobs (issue 20). */
export const MUTABLE_FIELDS_MAX = 5;

const has = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
  (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some((modifier) => modifier.kind === kind);

/**
 * The classes of one source file with their reassignable instance fields: property declarations
 * and constructor parameter properties without `readonly`. Static fields, accessors and methods
 * do not count; a readonly field holding a Map does not either (its entries are the class's state,
 * but one job's).
 */
export function classStates(fileName: string, source: string): ClassState[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: ClassState[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) {
      const mutable: string[] = [];
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member)) {
          if (!has(member, ts.SyntaxKind.StaticKeyword) && !has(member, ts.SyntaxKind.ReadonlyKeyword))
            mutable.push(member.name.getText(file));
        } else if (ts.isConstructorDeclaration(member)) {
          for (const parameter of member.parameters)
            if (
              ts.isParameterPropertyDeclaration(parameter, member) &&
              !has(parameter, ts.SyntaxKind.ReadonlyKeyword)
            )
              mutable.push(parameter.name.getText(file));
        }
      }
      found.push({ file: fileName, name: node.name?.getText(file) ?? '(anonymous)', mutable });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Every class in the TypeScript sources under `dir` (specs left out). */
export function classStatesUnder(dir: string): ClassState[] {
  const states: ClassState[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) states.push(...classStatesUnder(full));
    else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts'))
      states.push(...classStates(full, readFileSync(full, 'utf8')));
  }
  return states;
}
