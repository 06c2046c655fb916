import { setupServer } from 'msw/node';

/** Tests add their own handlers with server.use(); an unhandled request fails the test. */
export const server = setupServer();
