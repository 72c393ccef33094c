/** The error `act` throws; fails the test if it throws none. */
export function errorFrom(act: () => unknown): Error {
  try {
    act();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}
