const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export const formatTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : "—");

export const PRIORITY_NAMES = { low: "Low", medium: "Medium", high: "High" } as const;
export const ROLE_NAMES = { owner: "Owner", editor: "Editor", viewer: "Viewer" } as const;
