-- The walk engine keeps where a user is once, in user_data["walk"]; the walks before it kept
-- "active", "<walk>.draft", "<walk>.step" (and "record_visit.resume") beside PTB's
-- conversation states. Carry an open draft over, then drop the old keys and states. (A move
-- or outcome walk of appointment_change is not carried: its draft now holds more; the card's
-- or reminder's button starts it again.)
UPDATE ptb_user_data
SET data = json_set(
    data,
    '$.walk',
    json_object(
        'name', json_extract(data, '$.active'),
        'step', json_extract(data, '$."' || json_extract(data, '$.active') || '.step"'),
        'draft', json_set(
            json(json_extract(data, '$."' || json_extract(data, '$.active') || '.draft"')),
            '$.resume_at', json_extract(data, '$."record_visit.resume"')
        ),
        'message', NULL
    )
)
WHERE json_extract(data, '$.active') IN
        ('record_visit', 'new_family', 'goal', 'appointment')
    AND json_extract(data, '$."' || json_extract(data, '$.active') || '.draft"') IS NOT NULL
    AND json_extract(data, '$.walk') IS NULL;

UPDATE ptb_user_data
SET data = (
    SELECT coalesce(json_group_object(key, json(CASE WHEN type IN ('object', 'array')
            THEN value ELSE json_quote(value) END)), '{}')
    FROM json_each(ptb_user_data.data)
    WHERE key <> 'active' AND key NOT LIKE '%.draft' AND key NOT LIKE '%.step'
        AND key NOT LIKE '%.resume'
);

DELETE FROM ptb_user_data WHERE data = '{}';

DELETE FROM ptb_conversations;
