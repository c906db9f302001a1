-- What each user turn did with the claims it named: a JSON list of [claim id, "for" | "against"], best first.
ALTER TABLE turns ADD COLUMN moves TEXT NOT NULL DEFAULT '[]';
