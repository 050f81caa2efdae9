import { useEffect, useState } from "preact/hooks";
import { api, describe, ok, problemOf, type Comment } from "../api/client";
import { ConfirmDialog } from "../app/ConfirmDialog";
import { formatTime, initials } from "../app/format";
import { PagedList, appendUnseen } from "../app/PagedList";
import { toast } from "../app/toasts";
import type { BoardStore } from "../board/boardStore";
import { currentUser } from "../session/session";

const PAGE = 50;

/**
 * A task's comments, oldest first, a page at a time: members with edit rights add them, authors edit and delete their
 * own, the project's owner deletes any (API.md's Comments). Others' comments arrive live through the board's events.
 */
export function Comments(props: { store: BoardStore; taskId: string }) {
  const { store, taskId } = props;
  const [comments, setComments] = useState<Comment[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [body, setBody] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; body: string } | null>(null);
  const [deleting, setDeleting] = useState<Comment | null>(null);
  const me = currentUser.value?.id;
  const isOwner = store.project.value?.role === "owner";
  const path = { projectId: store.projectId, taskId };

  const upsert = (comment: Comment) =>
    setComments((list) => {
      const current = list ?? [];
      return current.some((c) => c.id === comment.id) ? current.map((c) => (c.id === comment.id ? comment : c)) : [...current, comment];
    });
  const drop = (id: string) => setComments((list) => (list ?? []).filter((c) => c.id !== id));

  const loadPage = async (after: string | null) => {
    try {
      const page = ok(await api.GET("/api/projects/{projectId}/tasks/{taskId}/comments", { params: { path, query: { limit: String(PAGE), ...(after ? { cursor: after } : {}) } } }));
      setComments((list) => appendUnseen(after ? list : null, page.items as Comment[]));
      setCursor(page.nextCursor ?? null);
      setLoadError(null);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  };

  useEffect(() => {
    void loadPage(null);
    return store.onComment((event) => {
      if (event.taskId !== taskId) return;
      if (event.comment) upsert(event.comment);
      else drop(event.commentId);
    });
  }, [taskId]);

  const add = async (e: Event) => {
    e.preventDefault();
    if (!body.trim()) return;
    const { data, error, response } = await api.POST("/api/projects/{projectId}/tasks/{taskId}/comments", { params: { path }, body: { body: body.trim() } });
    if (!data) return setProblem(describe(problemOf(response, error)));
    upsert(data as Comment);
    setBody("");
    setProblem(null);
  };

  const saveEdit = async (e: Event) => {
    e.preventDefault();
    if (!editing || !editing.body.trim()) return;
    const { data, error, response } = await api.PATCH("/api/projects/{projectId}/tasks/{taskId}/comments/{commentId}", {
      params: { path: { ...path, commentId: editing.id } },
      body: { body: editing.body.trim() },
    });
    if (!data) return toast(`The comment was not saved: ${describe(problemOf(response, error))}`, "error");
    upsert(data as Comment);
    setEditing(null);
  };

  const remove = async (comment: Comment) => {
    setDeleting(null);
    const { error, response } = await api.DELETE("/api/projects/{projectId}/tasks/{taskId}/comments/{commentId}", { params: { path: { ...path, commentId: comment.id } } });
    if (response.ok || response.status === 404) drop(comment.id);
    else toast(`The comment was not deleted: ${describe(problemOf(response, error))}`, "error");
  };

  const authorName = (id: string) => store.memberById.value.get(id)?.name ?? "A former member";

  return (
    <section class="comments" aria-labelledby="comments-title">
      <h3 id="comments-title">Comments</h3>
      <PagedList
        noun="comments"
        items={comments}
        loadError={loadError}
        empty="No comments yet."
        class="comment-list"
        label="Comments"
        item={(comment) => (
          <li key={comment.id} class="comment" aria-label={`Comment by ${authorName(comment.authorId)}`}>
            <div class="comment-head">
              <span class="avatar small" aria-hidden="true">
                {initials(store.memberById.value.get(comment.authorId)?.name)}
              </span>
              <strong>{authorName(comment.authorId)}</strong>
              <time class="muted" dateTime={comment.createdAt}>
                {formatTime(comment.createdAt)}
              </time>
              {comment.updatedAt !== comment.createdAt && <span class="muted">(edited)</span>}
            </div>
            {editing?.id === comment.id ? (
              <form onSubmit={saveEdit} class="comment-edit">
                <label for={`edit-${comment.id}`} class="visually-hidden">
                  Edit comment
                </label>
                <textarea id={`edit-${comment.id}`} rows={3} maxLength={10000} value={editing.body} onInput={(e) => setEditing({ id: comment.id, body: e.currentTarget.value })} />
                <div class="row end">
                  <button type="button" class="button small" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                  <button type="submit" class="button small primary">
                    Save comment
                  </button>
                </div>
              </form>
            ) : (
              <p class="pre comment-body">{comment.body}</p>
            )}
            {editing?.id !== comment.id && (comment.authorId === me || isOwner) && (
              <div class="row end comment-actions">
                {comment.authorId === me && (
                  <button type="button" class="button small" onClick={() => setEditing({ id: comment.id, body: comment.body })}>
                    Edit
                  </button>
                )}
                <button type="button" class="button small danger" onClick={() => setDeleting(comment)}>
                  Delete
                </button>
              </div>
            )}
          </li>
        )}
        more={cursor ? { label: "Show more comments", onClick: () => void loadPage(cursor) } : null}
      />
      {store.canEdit.value && (
        <form class="comment-new" onSubmit={add}>
          <label for="new-comment">Add a comment</label>
          <textarea id="new-comment" rows={3} maxLength={10000} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          {problem && (
            <p class="field-error" role="alert">
              {problem}
            </p>
          )}
          <div class="row end">
            <button type="submit" class="button primary small">
              Comment
            </button>
          </div>
        </form>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete this comment?"
          message="It is deleted for everyone in the project."
          confirm="Delete comment"
          onCancel={() => setDeleting(null)}
          onConfirm={() => void remove(deleting)}
        />
      )}
    </section>
  );
}
