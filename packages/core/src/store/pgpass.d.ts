// The pgpass package ships no types; postgres.ts states the one call it makes.
declare module 'pgpass' {
  const pgpass: (conn: object, cb: (password: string | undefined) => void) => void;
  export default pgpass;
}
