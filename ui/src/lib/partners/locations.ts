// Countries, states and cities for address pickers, through the lookup cache: fetched
// once and again only after a change event touches them.
import { call, type City, type Country, type State } from '../api';
import { lookup } from '../ui/lookup';

export function listCountries(): Promise<Country[]> {
  return lookup('location.countries', ['country'], () => call('location.list_countries', {}));
}

export function listStates(country: string): Promise<State[]> {
  if (!country) return Promise.resolve([]);
  return lookup(`location.states.${country}`, ['state'], () => call('location.list_states', { country_code: country }));
}

/** Cities of a state matching `search` (in SQL). */
export function listCities(stateId: number | null, search = ''): Promise<City[]> {
  if (stateId == null) return Promise.resolve([]);
  if (search) return call('location.list_cities', { state_id: stateId, search, limit: 50 });
  return lookup(`location.cities.${stateId}`, ['city'], () => call('location.list_cities', { state_id: stateId, limit: 200 }));
}

export function createCity(stateId: number, name: string): Promise<City> {
  return call('location.create_city', { state_id: stateId, name });
}
