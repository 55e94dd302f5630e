// User statuses of a switchover pair: a real pair keeps them in the IC server, not in the Session
// Manager the client talks to, so a status set on the primary is still there on the backup. Every
// server of the pair reads and writes one store and pushes changes to its own subscribers.

export interface LabStoredStatus {
  statusId: string;
  notes: string;
  forwardNumber: string;
  until?: string;
  statusChanged: Date;
}

export interface LabStatusStore {
  get(userId: string): LabStoredStatus | undefined;
  /** Stores the status and tells every listener (each server of the pair). */
  set(userId: string, status: LabStoredStatus): void;
  /** Sets only when the user has no status yet (each server seeds its fixture users). */
  seed(userId: string, status: LabStoredStatus): void;
  has(userId: string): boolean;
  onChange(listener: (userId: string) => void): () => void;
}

export function createLabStatusStore(): LabStatusStore {
  const statuses = new Map<string, LabStoredStatus>();
  const listeners = new Set<(userId: string) => void>();
  return {
    get: (userId) => statuses.get(userId),
    has: (userId) => statuses.has(userId),
    set(userId, status) {
      statuses.set(userId, status);
      for (const listener of [...listeners]) listener(userId);
    },
    seed(userId, status) {
      if (!statuses.has(userId)) statuses.set(userId, status);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
