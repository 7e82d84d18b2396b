-- Schema 9: a problem's state is kept by its stable id (core/review.py) together with the
-- facts it was about when the user closed it, so something new reopens it. Older keys stay
-- as they were; the review no longer reads them.

ALTER TABLE problem_acks ADD COLUMN facts TEXT NOT NULL DEFAULT '[]';
