import { useEffect, useState } from "preact/hooks";
import { api, describe, problemOf, reloadSignal, type Problem, type Project } from "../api/client";
import { ConfirmDialog } from "../app/ConfirmDialog";
import { ROLE_NAMES } from "../app/format";
import { Link } from "../app/Link";
import { projectUrl } from "../app/router";
import { toast } from "../app/toasts";
import { Field } from "../auth/Field";
import { dropProject, pollProjects, projects, projectsError, upsertProject, watchProjects } from "./projectsState";

export function ProjectsScreen() {
  const reload = reloadSignal.value;
  useEffect(() => pollProjects(), [reload]);
  const list = projects.value;
  const sorted = list ? [...list].sort((a, b) => a.name.localeCompare(b.name)) : [];
  // The projects at the top of the page are the ones watched (the hub's limit); the poll keeps any others fresh.
  const watched = sorted.map((p) => p.id).join(" ");
  useEffect(() => watchProjects(watched ? watched.split(" ") : []), [watched]);
  useEffect(() => () => watchProjects([]), []);
  return (
    <main class="page" id="main">
      <div class="page-head">
        <h1>Projects</h1>
      </div>
      <NewProjectForm />
      {list === null && !projectsError.value && <p class="muted" role="status">Loading your projects…</p>}
      {list === null && projectsError.value && (
        <p class="form-error" role="alert">
          Your projects could not be loaded: {projectsError.value}
        </p>
      )}
      {list !== null && list.length === 0 && (
        <div class="empty">
          <h2>No projects yet</h2>
          <p>Create your first project above, or ask a teammate to share theirs with you.</p>
        </div>
      )}
      {list !== null && list.length > 0 && (
        <ul class="project-grid" aria-label="Your projects">
          {sorted.map((project) => (
            <ProjectCard key={project.id} project={project} />
          ))}
        </ul>
      )}
    </main>
  );
}

function NewProjectForm() {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  return (
    <form
      class="card new-project"
      aria-label="New project"
      onSubmit={async (e) => {
        e.preventDefault();
        const { data, error, response } = await api.POST("/api/projects", { body: { name: name.trim(), description: description.trim() || null } });
        if (data) {
          upsertProject(data);
          setName("");
          setDescription("");
          setProblem(null);
        } else {
          setProblem(problemOf(response, error));
        }
      }}
    >
      <h2 class="card-title">New project</h2>
      <div class="row wrap">
        <Field id="new-project-name" label="Project name" name="name" required maxLength={200} value={name} onInput={setName} problem={problem} />
        <Field id="new-project-description" label="Description (optional)" name="description" maxLength={2000} value={description} onInput={setDescription} problem={problem} />
        <button class="button primary" type="submit">
          Create project
        </button>
      </div>
      {problem && !problem.errors && (
        <p class="form-error" role="alert">
          {describe(problem)}
        </p>
      )}
    </form>
  );
}

function CountsBar(props: { project: Project }) {
  const counts = props.project.counts;
  if (!counts) return <p class="muted">Counts are unavailable right now.</p>;
  const total = counts.total || 1;
  const parts = [
    { key: "todo", label: "To Do", value: counts.todo },
    { key: "in-progress", label: "In Progress", value: counts.inProgress },
    { key: "done", label: "Done", value: counts.done },
  ];
  return (
    <div class="counts">
      <dl class="counts-list">
        {parts.map((p) => (
          <div key={p.key} class={`count count-${p.key}`}>
            <dt>{p.label}</dt>
            <dd>{p.value}</dd>
          </div>
        ))}
        <div class="count count-total">
          <dt>Total</dt>
          <dd>{counts.total}</dd>
        </div>
      </dl>
      <div class="bar" aria-hidden="true">
        {parts.map((p) => (
          <span key={p.key} class={`bar-${p.key}`} style={{ width: `${(p.value / total) * 100}%` }} />
        ))}
      </div>
    </div>
  );
}

function ProjectCard(props: { project: Project }) {
  const { project } = props;
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description ?? "");
  const [problem, setProblem] = useState<Problem | null>(null);
  const canEdit = project.role !== "viewer";
  const headingId = `project-${project.id}`;
  return (
    <li class="card project-card" aria-labelledby={headingId}>
      {renaming ? (
        <form
          aria-label={`Rename ${project.name}`}
          onSubmit={async (e) => {
            e.preventDefault();
            const { data, error, response } = await api.PATCH("/api/projects/{projectId}", {
              params: { path: { projectId: project.id } },
              body: { name: name.trim(), description: description.trim() || null },
            });
            if (data) {
              upsertProject(data);
              setRenaming(false);
            } else setProblem(problemOf(response, error));
          }}
        >
          <Field id={`${headingId}-name`} label="Project name" name="name" required maxLength={200} value={name} onInput={setName} problem={problem} />
          <Field id={`${headingId}-description`} label="Description" name="description" maxLength={2000} value={description} onInput={setDescription} problem={problem} />
          {problem && !problem.errors && <p class="form-error">{describe(problem)}</p>}
          <div class="row end">
            <button type="button" class="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
            <button type="submit" class="button primary">
              Save
            </button>
          </div>
        </form>
      ) : (
        <>
          <div class="row between">
            <h2 class="card-title" id={headingId}>
              <Link href={projectUrl(project.id)}>{project.name}</Link>
            </h2>
            <span class={`role role-${project.role}`}>{ROLE_NAMES[project.role]}</span>
          </div>
          {project.description && <p class="description">{project.description}</p>}
          <CountsBar project={project} />
          {canEdit && (
            <div class="row end card-actions">
              <button type="button" class="button small" onClick={() => setRenaming(true)} aria-label={`Rename ${project.name}`}>
                Rename
              </button>
              {project.role === "owner" && (
                <button type="button" class="button small danger" onClick={() => setConfirming(true)} aria-label={`Delete ${project.name}`}>
                  Delete
                </button>
              )}
            </div>
          )}
        </>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Delete “${project.name}”?`}
          message="The project and all its tasks are deleted for every member. This cannot be undone."
          confirm="Delete project"
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setConfirming(false);
            const { response, error } = await api.DELETE("/api/projects/{projectId}", { params: { path: { projectId: project.id } } });
            if (response.ok) dropProject(project.id);
            else toast(`“${project.name}” was not deleted: ${describe(problemOf(response, error))}`, "error");
          }}
        />
      )}
    </li>
  );
}
