-- Refused attempts are audited too (hardening issue, item 4): every row of the access log says
-- whether the access was allowed or denied. Rows written before this migration were all
-- allowed accesses (refusals were not logged at all), hence the default.
-- A denied row holds no content: who, the attempted action, the family when one is known, and
-- in `detail` only what was attempted (a family code, an object id, an invite's refusal reason).
ALTER TABLE access_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'allowed'
    CHECK (outcome IN ('allowed', 'denied'));

-- Reviewing refusals ("who tried what this month") reads only the denied rows.
CREATE INDEX access_log_denied ON access_log (at) WHERE outcome = 'denied';
