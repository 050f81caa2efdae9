import { useEffect, useState } from "preact/hooks";
import { RegisterScreen, SignInScreen } from "../auth/AuthScreens";
import { BoardScreen } from "../board/BoardScreen";
import { ExportsPanel } from "../exports/ExportsPanel";
import { resetExports } from "../exports/exportsState";
import { Bell } from "../notifications/Bell";
import { startInbox } from "../notifications/notificationsState";
import { ProjectsScreen } from "../projects/ProjectsScreen";
import { MyTasksScreen } from "../tasks/MyTasksScreen";
import { projects } from "../projects/projectsState";
import { currentUser, signOut, startHub } from "../session/session";
import { Link } from "./Link";
import { OutageBanner } from "./OutageBanner";
import { Popover } from "./Popover";
import { MY_TASKS_URL, navigate, parse, path } from "./router";
import { Toasts } from "./Toasts";

export function App() {
  const user = currentUser.value;
  const route = parse(path.value);

  useEffect(() => {
    if (!user) {
      projects.value = null;
      resetExports();
      return;
    }
    startInbox(user.id);
    startHub();
  }, [user?.id]);

  useEffect(() => {
    const titles: Record<string, string> = { signin: "Sign in", register: "Create account", projects: "Projects", mytasks: "My tasks", notfound: "Not found" };
    document.title = route.name === "board" ? "Board · Cumin" : `${titles[route.name] ?? "Cumin"} · Cumin`;
  }, [route.name]);

  if (user === undefined) {
    return (
      <main class="page" id="main">
        <p class="muted" role="status">
          Opening your session…
        </p>
      </main>
    );
  }

  if (!user) {
    return (
      <>
        <OutageBanner />
        {route.name === "register" ? <RegisterScreen /> : <SignInScreen returnTo={path.value} />}
        <Toasts />
      </>
    );
  }

  if (route.name === "signin" || route.name === "register") {
    queueMicrotask(() => navigate("/", { replace: true }));
    return null;
  }

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <Link href="/" class="brand" aria-label="Cumin, your projects">
          Cumin
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={route.name === "projects" ? "page" : undefined}>
            Projects
          </Link>
          <Link href={MY_TASKS_URL} aria-current={route.name === "mytasks" ? "page" : undefined}>
            My tasks
          </Link>
        </nav>
        <div class="header-tools">
          <ExportsPanel />
          <Bell />
          <AccountMenu name={user.name} email={user.email} />
        </div>
      </header>
      <OutageBanner />
      {route.name === "projects" && <ProjectsScreen />}
      {route.name === "mytasks" && <MyTasksScreen />}
      {route.name === "board" && <BoardScreen projectId={route.projectId} taskId={route.taskId} panel={route.panel} />}
      {route.name === "notfound" && (
        <main class="page" id="main">
          <h1>Page not found</h1>
          <p>
            <Link href="/">Go to your projects</Link>
          </p>
        </main>
      )}
      <Toasts />
    </>
  );
}

function AccountMenu(props: { name: string; email: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Popover
      label="Account"
      open={open}
      onToggle={setOpen}
      buttonText={
        <>
          <span class="avatar" aria-hidden="true">
            {props.name.slice(0, 1).toUpperCase()}
          </span>
          <span class="visually-hidden">Account of </span>
          <span class="account-name">{props.name}</span>
        </>
      }
    >
      <div class="account-menu">
        <p class="muted">{props.email}</p>
        <button type="button" class="button wide" onClick={() => void signOut(false)}>
          Sign out
        </button>
        <button type="button" class="button wide" onClick={() => void signOut(true)}>
          Sign out everywhere
        </button>
      </div>
    </Popover>
  );
}
