// The one API client every feature calls: typed from the server's OpenAPI document (src/api/openapi.json, refreshed
// by `make openapi`), sending the session's access token, renewing it once on a 401, and reporting outages.
import createClient from "openapi-fetch";
import { signal } from "@preact/signals";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];

export type Project = Schemas["ProjectResponse"];
export type Task = Schemas["TaskItem"];
export type TaskStatus = Schemas["TaskItemStatus"];
export type Priority = Schemas["TaskPriority"];
export type Role = Schemas["ProjectRole"];
export type Member = Schemas["MemberResponse"];
export type Label = Schemas["Label"];
export type Comment = Schemas["Comment"];
export type Export = Schemas["ExportView"];
export type UserNotification = Schemas["UserNotification"];
export type TokenResponse = Schemas["TokenResponse"];
export type Webhook = Schemas["WebhookResponse"];
export type CreatedWebhook = Schemas["CreatedWebhookResponse"];
export type Delivery = Schemas["DeliveryResponse"];

export interface Problem {
  status: number;
  title: string;
  detail?: string | null;
  errors?: Record<string, string[]>;
  /** Seconds, from Retry-After (429, 503). */
  retryAfter?: number;
}

/** What the session lends the client: it owns the tokens. */
export interface AuthHooks {
  accessToken(): Promise<string | null>;
  /** The API refused the token: renew it (true) or end the session (false). */
  renew(): Promise<boolean>;
}

let auth: AuthHooks = { accessToken: async () => null, renew: async () => false };

export function useAuth(hooks: AuthHooks): void {
  auth = hooks;
}

/** Set while a service Cumin needs is down (503 or no answer); the banner offers to retry. */
export const outage = signal<string | null>(null);

/** Bumped by the banner's retry: screens reload what they show. */
export const reloadSignal = signal(0);

const isPublic = (url: URL) => url.pathname.startsWith("/auth/") && url.pathname !== "/auth/me";

async function send(request: Request): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.status === 503) {
      outage.value = "Cumin cannot reach one of its services right now. Your last change may not have been saved.";
    } else if (response.ok && outage.value) {
      outage.value = null;
    }
    return response;
  } catch (error) {
    if (request.signal.aborted) throw error;
    outage.value = "Cumin cannot be reached. Check your connection.";
    throw error;
  }
}

async function authorizedFetch(input: Request): Promise<Response> {
  const url = new URL(input.url);
  if (isPublic(url)) return send(input);
  const retry = input.clone();
  const token = await auth.accessToken();
  if (token) input.headers.set("Authorization", `Bearer ${token}`);
  const response = await send(input);
  if (response.status !== 401 || !token) return response;
  if (!(await auth.renew())) return response;
  const renewed = await auth.accessToken();
  if (renewed) retry.headers.set("Authorization", `Bearer ${renewed}`);
  return send(retry);
}

export const api = createClient<paths>({ baseUrl: location.origin, fetch: authorizedFetch });

/** A failed answer as something to show: problem+json when the API sent it, a plain sentence otherwise. */
export function problemOf(response: Response, body: unknown): Problem {
  const problem = (typeof body === "object" && body !== null ? body : {}) as Partial<Problem>;
  const retryAfter = Number(response.headers.get("Retry-After"));
  return {
    status: response.status,
    title: typeof problem.title === "string" ? problem.title : response.statusText || "Request failed",
    detail: typeof problem.detail === "string" ? problem.detail : null,
    errors: problem.errors && typeof problem.errors === "object" ? problem.errors : undefined,
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
}

/** One sentence for a person; never a raw JSON blob or a stack trace. */
export function describe(problem: Problem): string {
  switch (problem.status) {
    case 403:
      return "Your role in this project does not allow that.";
    case 404:
      return "It no longer exists, or you no longer have access to it.";
    case 412:
      return "Someone else changed it meanwhile.";
    case 429:
      return `Too many attempts. Try again in ${formatWait(problem.retryAfter ?? 60)}.`;
    case 503:
      return "A service Cumin needs is down. Try again in a moment.";
    default:
      return problem.detail || problem.title;
  }
}

export function formatWait(seconds: number): string {
  return seconds < 90 ? `${Math.ceil(seconds)} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** The messages of a validation problem for one field (problem+json `errors`; keys compared case-insensitively). */
export function fieldErrors(problem: Problem | null, field: string): string[] {
  if (!problem?.errors) return [];
  const key = Object.keys(problem.errors).find((k) => k.toLowerCase() === field.toLowerCase());
  return key ? (problem.errors[key] ?? []) : [];
}

/** Every page of a list, following nextCursor until null (a page may be empty while the cursor is not). */
export async function allPages<T>(load: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await load(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(describe(problem));
  }
}

/** The data of an openapi-fetch answer, or an ApiError carrying its problem. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new ApiError(problemOf(result.response, result.error));
}
