import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { unstorableTextAt } from '@gateway/schemas';
import { ValidationError } from './domain-error';

/**
 * Path parameters (`@Param`) reach queries as they are: one holding NUL made PostgreSQL refuse the
 * statement (22021), answered 500 (issue 19, found by the fuzz suite). Text PostgreSQL cannot store
 * is refused here with a 400 naming the parameter, as parseWith does for bodies and queries.
 */
@Injectable()
export class StorableParamsPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    const unstorable = unstorableTextAt(value);
    if (unstorable !== null)
      throw new ValidationError([
        { path: [metadata.data, unstorable.path].filter(Boolean).join('.'), message: unstorable.message },
      ]);
    return value;
  }
}
