import { mount } from 'svelte'
import App from './App.svelte'
import './app.css'
import './styles/tables.css'
import './styles/mail.css'
import './styles/print.css'

const target = document.getElementById('app')
if (!target) throw new Error('no #app element')
mount(App, { target })
