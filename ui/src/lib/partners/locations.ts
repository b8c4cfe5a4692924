// Countries, states and cities for address pickers, cached per session (they rarely change).
import { call, type City, type Country, type State } from '../api';

let countries: Promise<Country[]> | null = null;
const states = new Map<string, Promise<State[]>>();

export function listCountries(): Promise<Country[]> {
  countries ??= call('location.list_countries', {}).catch((e) => {
    countries = null;
    throw e;
  });
  return countries;
}

export function listStates(country: string): Promise<State[]> {
  if (!country) return Promise.resolve([]);
  let p = states.get(country);
  if (!p) {
    p = call('location.list_states', { country_code: country });
    states.set(country, p);
    p.catch(() => states.delete(country));
  }
  return p;
}

export function listCities(stateId: number | null, search = ''): Promise<City[]> {
  if (stateId == null) return Promise.resolve([]);
  return call('location.list_cities', { state_id: stateId, search: search || undefined, limit: 200 });
}

export function createCity(stateId: number, name: string): Promise<City> {
  return call('location.create_city', { state_id: stateId, name });
}
