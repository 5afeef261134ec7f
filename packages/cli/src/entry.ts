import { main } from './main';

// The bundle's entry: what bin/alliance.js runs once it has checked the build is current.
process.exitCode = await main(process.argv.slice(2));
