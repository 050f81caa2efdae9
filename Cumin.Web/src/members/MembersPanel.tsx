import { useEffect, useState } from "preact/hooks";
import { api, describe, ok, problemOf, type Member, type Problem, type Project, type Role } from "../api/client";
import { ConfirmDialog } from "../app/ConfirmDialog";
import { ROLE_NAMES } from "../app/format";
import { navigate } from "../app/router";
import { toast } from "../app/toasts";
import { Field } from "../auth/Field";
import { dropProject } from "../projects/projectsState";
import { currentUser } from "../session/session";

/** The project's members: the owner adds and removes them; everyone else sees the list and may leave. */
export function MembersPanel(props: { project: Project; onClose: () => void }) {
  const { project } = props;
  const [members, setMembers] = useState<Member[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const isOwner = project.role === "owner";
  const me = currentUser.value?.id;
  const path = { projectId: project.id };

  const load = async () => {
    try {
      setMembers((ok(await api.GET("/api/projects/{projectId}/members", { params: { path } })).items as Member[]).slice());
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  };
  useEffect(() => void load(), [project.id]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && !removing && props.onClose();
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [removing]);

  const remove = async (member: Member) => {
    setRemoving(null);
    const { response, error } = await api.DELETE("/api/projects/{projectId}/members/{userId}", { params: { path: { projectId: project.id, userId: member.userId } } });
    if (!response.ok) {
      toast(describe(problemOf(response, error)), "error");
      return;
    }
    if (member.userId === me) {
      dropProject(project.id);
      toast(`You left “${project.name}”.`);
      navigate("/");
    } else {
      setMembers((list) => (list ?? []).filter((m) => m.userId !== member.userId));
    }
  };

  return (
    <div class="drawer-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class="drawer" role="dialog" aria-modal="true" aria-labelledby="members-title">
        <div class="row between drawer-head">
          <h2 id="members-title">Members of {project.name}</h2>
          <button type="button" class="icon-button" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </div>
        {loadError && (
          <p class="form-error" role="alert">
            The members could not be loaded: {loadError}
          </p>
        )}
        {!members && !loadError && <p class="muted">Loading members…</p>}
        {members && (
          <ul class="members" aria-label="Members">
            {members.map((m) => (
              <li key={m.userId} class="member">
                <div>
                  <strong>{m.name}</strong>
                  {m.userId === me && <span class="muted"> (you)</span>}
                  <div class="muted">{m.email}</div>
                </div>
                <span class={`role role-${m.role}`}>{ROLE_NAMES[m.role]}</span>
                {isOwner && m.role !== "owner" && (
                  <button type="button" class="button small danger" aria-label={`Remove ${m.name}`} onClick={() => setRemoving(m)}>
                    Remove
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {isOwner && (
          <form
            class="add-member"
            aria-label="Add a member"
            onSubmit={async (e) => {
              e.preventDefault();
              const { data, error, response } = await api.POST("/api/projects/{projectId}/members", { params: { path }, body: { email: email.trim(), role } });
              if (data) {
                setMembers((list) => [...(list ?? []).filter((m) => m.userId !== data.userId), data as Member]);
                setEmail("");
                setProblem(null);
              } else setProblem(problemOf(response, error));
            }}
          >
            <h3>Add a member</h3>
            <Field id="member-email" label="E-mail of the person to add" name="email" type="email" required value={email} onInput={setEmail} problem={problem} />
            <div class="field">
              <label for="member-role">Role</label>
              <select id="member-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                <option value="editor">Editor (can change tasks)</option>
                <option value="viewer">Viewer (read only)</option>
              </select>
            </div>
            {problem && !problem.errors && (
              <p class="form-error" role="alert">
                {problem.status === 404 ? "Nobody has a Cumin account with that e-mail address." : problem.status === 409 ? "That person is already a member." : describe(problem)}
              </p>
            )}
            <button type="submit" class="button primary">
              Add member
            </button>
          </form>
        )}
        {!isOwner && me && (
          <p>
            <button type="button" class="button danger" onClick={() => setRemoving(members?.find((m) => m.userId === me) ?? ({ userId: me, name: "you", email: "", role: project.role } as Member))}>
              Leave project
            </button>
          </p>
        )}
        {removing && (
          <ConfirmDialog
            title={removing.userId === me ? `Leave “${project.name}”?` : `Remove ${removing.name}?`}
            message={removing.userId === me ? "You will no longer see this project or its tasks." : `${removing.name} will no longer see this project or its tasks.`}
            confirm={removing.userId === me ? "Leave project" : "Remove member"}
            onCancel={() => setRemoving(null)}
            onConfirm={() => void remove(removing)}
          />
        )}
      </div>
    </div>
  );
}
