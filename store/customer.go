package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Customer is a registered shopper. PublicID is the customer.id sent to DOKU.
type Customer struct {
	ID           int64
	PublicID     string
	Email        string
	Name         string
	PasswordHash string
}

// CreateCustomer inserts a customer; ErrDuplicate when the email is taken.
func (s *Store) CreateCustomer(ctx context.Context, c *Customer) error {
	id, err := s.insertID(ctx, s.w, `
		INSERT INTO customers (public_id, email, name, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?)`, c.PublicID, c.Email, c.Name, c.PasswordHash, s.now().Unix())
	if isUnique(err) {
		return ErrDuplicate
	}
	if err != nil {
		return fmt.Errorf("store: create customer: %w", err)
	}
	c.ID = id
	return nil
}

// CustomerByEmail finds a customer by email (case-insensitive).
func (s *Store) CustomerByEmail(ctx context.Context, email string) (Customer, error) {
	return s.customer(ctx, `WHERE email = ?`, email)
}

// CustomerByID finds a customer by id.
func (s *Store) CustomerByID(ctx context.Context, id int64) (Customer, error) {
	return s.customer(ctx, `WHERE id = ?`, id)
}

func (s *Store) customer(ctx context.Context, where string, arg any) (Customer, error) {
	var c Customer
	err := s.queryRow(ctx, `
		SELECT id, public_id, email, name, password_hash FROM customers `+where, arg).
		Scan(&c.ID, &c.PublicID, &c.Email, &c.Name, &c.PasswordHash)
	if errors.Is(err, sql.ErrNoRows) {
		return Customer{}, ErrNotFound
	}
	if err != nil {
		return Customer{}, fmt.Errorf("store: customer: %w", err)
	}
	return c, nil
}
