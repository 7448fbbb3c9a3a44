import { constraintViolation } from '../../common/prisma-errors.js';

/** The violated constraint's SQLSTATE and name (see `constraintViolation`). */
export const violatedConstraint = constraintViolation;
