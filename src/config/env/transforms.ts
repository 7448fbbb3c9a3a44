import { Transform } from 'class-transformer';

/** An environment boolean: true/1/yes/on or false/0/no/off; anything else is left for @IsBoolean to report. */
export const bool = () =>
  Transform(({ value }) => {
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'boolean') return value;
    const v = String(value).toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    return value; // left as a string so @IsBoolean reports it
  });

/** An environment integer; anything else is left for @IsInt to report. */
export const int = () =>
  Transform(({ value }) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value));
