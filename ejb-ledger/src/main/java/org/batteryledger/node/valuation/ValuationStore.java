package org.batteryledger.node.valuation;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import java.util.List;
import java.util.Optional;

/** The certificates this node issued; each change in a transaction of its own, so a registration is never lost half-way. */
@Stateless
@TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
public class ValuationStore {
    @PersistenceContext(unitName = "ledger")
    private EntityManager em;

    public void save(ValuationEntity e) {
        em.persist(e);
    }

    /**
     * Its registration's transaction, while the block is awaited: only over SIGNED, in one conditional update, since
     * the registrar may settle the certificate (registered, refused) on its own thread at the same moment.
     */
    public void submitted(String certificateId, String txHash) {
        em.createQuery("update ValuationEntity v set v.status = :submitted, v.txHash = :tx where v.certificateId = :id and v.status = :signed")
                .setParameter("submitted", ValuationEntity.Status.SUBMITTED).setParameter("tx", txHash).setParameter("id", certificateId)
                .setParameter("signed", ValuationEntity.Status.SIGNED).executeUpdate();
    }

    public void registered(String certificateId, long height) {
        em.find(ValuationEntity.class, certificateId).registered(height);
    }

    public void refused(String certificateId, String error) {
        em.find(ValuationEntity.class, certificateId).refused(error);
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public Optional<ValuationEntity> find(String certificateId) {
        return Optional.ofNullable(em.find(ValuationEntity.class, certificateId));
    }

    /** This node's certificates of a battery, newest first. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<ValuationEntity> ofBattery(String batteryCode) {
        return em.createQuery("select v from ValuationEntity v where v.batteryCode = :c order by v.issuedAt desc", ValuationEntity.class)
                .setParameter("c", batteryCode).getResultList();
    }

    /**
     * This node's latest certificates, newest first; {@code search} (upper case, may be empty) the beginning of the
     * battery code or of the certificate id (ids are VC- and lower-case hex, matched without case).
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<ValuationEntity> recent(String search, int limit) {
        return em.createQuery("select v from ValuationEntity v where v.batteryCode like :q or upper(v.certificateId) like :q order by v.issuedAt desc",
                ValuationEntity.class).setParameter("q", search + "%").setMaxResults(limit).getResultList();
    }
}
