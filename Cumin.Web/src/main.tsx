import { render } from "preact";
import { App } from "./app/App";
import { restoreSession } from "./session/session";
import "./styles/app.css";

void restoreSession();
render(<App />, document.getElementById("app")!);
