"""Lens's models, split by topic: lesson content and key, people, classes, student work."""

from teaching.models.accounts import Invitation, User
from teaching.models.attempts import Attempt, Mark, VoiceAnswer
from teaching.models.classes import Assignment, Classroom, Enrollment
from teaching.models.content import (
    Article,
    DraftSuggestion,
    KeyDevice,
    Lesson,
    Segment,
    Technique,
    Voice,
)

__all__ = [
    "Article",
    "Assignment",
    "Attempt",
    "Classroom",
    "DraftSuggestion",
    "Enrollment",
    "Invitation",
    "KeyDevice",
    "Lesson",
    "Mark",
    "Segment",
    "Technique",
    "User",
    "Voice",
    "VoiceAnswer",
]
