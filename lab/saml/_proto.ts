import * as samlify from 'samlify';
import * as validator from '@authenio/samlify-node-xmllint';
console.log(Object.keys(samlify), Object.keys(validator));
const t0 = performance.now();
samlify.setSchemaValidator(validator as any);
try { await (validator as any).validate('<x/>'); } catch (e) { console.log('err', String(e).slice(0,200)); }
console.log('first', performance.now() - t0);
const t1 = performance.now();
try { await (validator as any).validate('<x/>'); } catch (e) { console.log('err', String(e).slice(0,100)); }
console.log('second', performance.now() - t1);
