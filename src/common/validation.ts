import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateBy, ValidationOptions } from 'class-validator';

/** Unknown fields, wrong types and out-of-range values answer 400 naming the field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new BadRequestException(flatten(errors).join('; ')),
  });
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.includes('should not exist') ? `${path}: unknown field` : message.startsWith(error.property) ? message.replace(error.property, path) : `${path}: ${message}`,
    );
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Line breaks and other control characters (C0 including TAB, DEL, C1, U+2028, U+2029). */
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Control characters but TAB, CR and LF. */
const MULTI_LINE_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A name, address or subject: refused (400, naming the field) when it holds a line break or any
 * other control character. Stored, they would break the headers of the mail we send (a CR LF
 * in a From name or a quoted Cc local part adds headers), logs and exports; NUL breaks MySQL text.
 */
export function SingleLine(options: ValidationOptions = {}): PropertyDecorator {
  return refusing(SINGLE_LINE_FORBIDDEN, 'must be one line without control characters', 'singleLine', options);
}

/** A body or template: TAB, CR and LF are allowed, other control characters refused. */
export function MultiLine(options: ValidationOptions = {}): PropertyDecorator {
  return refusing(MULTI_LINE_FORBIDDEN, 'must not hold control characters other than tab and line breaks', 'multiLine', options);
}

function refusing(forbidden: RegExp, rule: string, name: string, options: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !forbidden.test(value),
        defaultMessage: (args) => `${args?.property} ${rule}`,
      },
    },
    options,
  );
}
