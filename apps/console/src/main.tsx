import '@picocss/pico/css/pico.min.css';
import 'uplot/dist/uPlot.min.css';
import './console.css';
import { render } from 'preact';
import { App } from './app';
import { takeTokenFromFragment } from './session';

// First of all: the portal link's token leaves the address bar before anything else runs.
takeTokenFromFragment(window.location, window.history);
const root = document.getElementById('app');
if (root) render(<App />, root);
